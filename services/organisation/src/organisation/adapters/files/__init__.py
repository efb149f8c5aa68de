"""Readers of uploaded files (SIECLE XML/zip, SUP CSV): bytes in, plain records out."""
