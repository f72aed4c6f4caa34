"""Reports written as files for people (Excel)."""
