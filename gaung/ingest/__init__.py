"""Ingest: getting raw bytes from sources into `RawDocument`s and `FeedEntry`s.

- `fetch`     polite, SSRF-guarded HTTP fetching (`Fetcher`, `fetch_sync`)
- `netguard`  refuses URLs that resolve to loopback/private/link-local addresses
- `robots`    robots.txt rules per origin, cached
- `feeds`     RSS/Atom parsing (`parse_feed`)
- `sitemaps`  XML/news/gzip/plain-text sitemaps (`parse_sitemap`, `discover_sitemaps`)
- `polling`   adaptive poll intervals and source health
- `files`     local archives and HTML files

Import from the submodules; this package module stays empty so importing one stage stays cheap.
"""
