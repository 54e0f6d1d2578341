"""What every page of the site shares: the store's settings, the header and footer built from
them (the shell), breadcrumbs and absolute links, and the site's plain URLs (robots.txt, the
health check, the favicon). Other apps build on it; it imports none of them."""
