"""The policy's paperwork: the KS draft, the yearly report, Word, HTML and Excel writers."""
