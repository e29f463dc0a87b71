"""Declared sources (数据源登记): each agency export arrives through a YAML declaration.

A declaration names the agency, the dataset, the legal basis for holding it, its sensitivity,
retention and refresh, and maps the export (column names, code lists, encoding, header rows,
coordinate system, time zone) onto one canonical register table. See docs/sources.md.
"""
