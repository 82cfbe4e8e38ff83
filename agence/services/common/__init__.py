"""What every business area uses: lists, records, forms, exports, files, formats, audit, rights."""
