"""The daily brief (laporan monitoring media harian): what leadership reads instead of the dashboard.

One day's brief goes through four small steps, each usable on its own:

1. `gaung.brief.data.build_brief_data` reads the day (office calendar) from the store: konklusi,
   statistik, isu utama with summaries, tone over 14 days, eksposur media, narasumber, rekap kliping,
   media sosial, kinerja konten and rekomendasi, each recommendation linked to its evidence (the
   sections with their own rules live beside it: `relevance` — what concerns the office, `speakers`,
   `clippings`, `recommend`);
2. `gaung.brief.charts` draws the charts as SVG on the server;
3. `gaung.brief.render` turns the data into one HTML document and the same HTML into an A4 PDF;
4. `gaung.brief.store` keeps the result (one per day and language; regenerating replaces it), and
   `gaung.brief.schedule` has the monitor make yesterday's brief once a day and hand it to delivery.

`gaung.brief.service.make_brief` runs the steps for the CLI (`gaung brief`), the Laporan page and the
JSON API. This package imports nothing heavy at import time: `gaung.config` reads its settings from it.
"""
