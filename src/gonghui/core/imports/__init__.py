"""The import framework every registry uses: read a spreadsheet, find its header, clean and
check each row, then hand the good rows to the app's spec to write set-based.

``reading`` turns a file into rows, ``spec`` describes an app's columns and rules, ``engine``
runs a spec over a file in one transaction, ``workbook`` writes templates and the workbook of
refused rows, ``jobs`` runs an import in the background worker with its progress saved.
"""
