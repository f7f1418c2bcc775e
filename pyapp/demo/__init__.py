"""Demo data: products, releases, Active Daily Installs and crashes that look real.

* :mod:`pyapp.demo.model` decides *what* the data looks like (5 products, 40 versions on every
  channel including rapid betas and ESR, 3 OSes, throttles, Zipf-distributed signatures with
  C++ names, duplicates, hang pairs, garbage-collection crashes, PII markers), deterministically
  from a seed. It knows nothing about the database.
* :mod:`pyapp.demo.load` decides *how* it gets in: products and releases through
  ``add_new_product`` / ``add_new_release``, ADI and crashes with ``COPY`` (reports,
  raw_crashes, processed_crashes), then optionally ``backfill_matviews``.

``crashstats demo generate`` drives both; benchmarks and tests call them directly.
"""
