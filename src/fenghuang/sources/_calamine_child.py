"""Run as a script: read a workbook with calamine in a process of its own.

``python -I _calamine_child.py LIMIT < workbook > sheets``: reads the
workbook's bytes from standard input under an address-space limit of LIMIT
bytes and writes, pickled, one tuple per visible worksheet: (name, rows as
calamine gives them — None for a row it cannot convert —, the sheet's start
and end cells, its merged ranges). Exit status 3 with the error's type and
text on standard error when calamine refuses the file.

Calamine's Rust code aborts the whole process when an allocation fails: a
workbook with one value far out (cell XFD1048576 asks for a dense range of
17 billion cells, 550 GB) or a corrupt Excel 97-2003 file (a length field
read as 33 GB) would otherwise kill the importing process, the web server
included (:func:`fenghuang.sources._workbook.read_xlsx_grids`). This file
imports nothing of fenghuang, so the process starts in milliseconds.
"""

from __future__ import annotations

import io
import pickle
import resource
import sys


def main() -> int:
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    import python_calamine as pc

    out = []
    try:
        with pc.CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
            for meta in wb.sheets_metadata:
                if meta.visible != pc.SheetVisibleEnum.Visible:
                    continue
                if meta.typ != pc.SheetTypeEnum.WorkSheet:
                    continue
                sheet = wb.get_sheet_by_name(meta.name)
                rows: list[list[object] | None] = []
                it = sheet.iter_rows()
                while True:
                    try:
                        rows.append(list(next(it)))
                    except StopIteration:
                        break
                    except (OverflowError, ValueError):
                        rows.append(None)  # a huge number under a date or duration format
                ranges = [tuple(map(tuple, r)) for r in sheet.merged_cell_ranges or []]
                out.append((str(meta.name), rows, sheet.start, sheet.end, ranges))
    except BaseException as exc:  # calamine's errors and a panic of its Rust code
        if isinstance(exc, MemoryError):
            raise
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:2000])
        return 3
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
