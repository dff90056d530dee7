"""Survey of many CIFs: one row of packing descriptors per data block (descriptors), run on Dask into Parquet (run)."""
