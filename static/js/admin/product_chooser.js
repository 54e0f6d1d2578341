/* The product chooser widget: Wagtail's chooser, showing the chosen product's picture beside
   its title. The server gives a `preview` ({url, width, height}) with the chosen product, or
   none when its picture is not made yet; then the product icon shows instead. */
(() => {
    'use strict';

    class ProductChooser extends window.Chooser {
        initHTMLElements(id) {
            super.initHTMLElements(id);
            this.previewImage = this.chooserElement.querySelector('[data-chooser-image]');
            this.previewIcon = this.chooserElement.querySelector('[data-chooser-icon]');
        }

        getStateFromHTML() {
            const state = super.getStateFromHTML();
            if (state && this.previewImage && !this.previewImage.hidden) {
                state.preview = {
                    url: this.previewImage.getAttribute('src'),
                    width: this.previewImage.getAttribute('width'),
                    height: this.previewImage.getAttribute('height'),
                };
            }
            return state;
        }

        renderState(state) {
            super.renderState(state);
            const preview = state.preview;
            if (preview) {
                this.previewImage.setAttribute('src', preview.url);
                this.previewImage.setAttribute('width', preview.width);
                this.previewImage.setAttribute('height', preview.height);
            }
            this.previewImage.hidden = !preview;
            this.previewIcon.hidden = Boolean(preview);
        }
    }

    window.ProductChooser = ProductChooser;

    // In StreamField blocks, widgets are made by telepath from a factory.
    const ChooserFactory = window.telepath && window.telepath.constructors['wagtail.admin.widgets.Chooser'];
    if (ChooserFactory) {
        class ProductChooserFactory extends ChooserFactory {
            widgetClass = ProductChooser;
        }
        window.telepath.register('catalog.widgets.ProductChooser', ProductChooserFactory);
    }
})();
