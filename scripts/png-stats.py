#!/usr/bin/env python3
"""Prints what a PNG screenshot shows, as JSON: size, the share of non-white pixels, and the
number of strongly coloured pixels (chart lines and markers; page text is grey).
Pure Python (zlib only), so the browser check needs no imaging library.
Usage: scripts/png-stats.py FILE.png"""
import json, struct, sys, zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise SystemExit(f"{path}: only 8-bit non-interlaced grey/RGB/RGBA PNGs are supported")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if ftype == 0 or not any(line) and ftype == 2:
            # No filter, or "same as the row above": most rows of a web page, decoded for free.
            line = line if ftype == 0 else bytearray(prev)
            rows.append(line)
            prev = line
            continue
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def stats(path):
    width, height, channels, rows = decode(path)
    nonwhite = coloured = 0
    seen = {}
    for line in rows:
        key = bytes(line)
        if key not in seen:
            # Identical rows (margins, backgrounds) are counted once.
            n = c = 0
            if channels >= 3:
                pixels = zip(line[0::channels], line[1::channels], line[2::channels])
            else:
                pixels = ((v, v, v) for v in line[0::channels])
            for r, g, b in pixels:
                if r < 245 or g < 245 or b < 245:
                    n += 1
                if max(r, g, b) - min(r, g, b) >= 90:
                    c += 1
            seen[key] = (n, c)
        n, c = seen[key]
        nonwhite += n
        coloured += c
    return {"file": path, "width": width, "height": height,
            "nonwhite_fraction": nonwhite / (width * height), "coloured_pixels": coloured}


if __name__ == "__main__":
    print(json.dumps(stats(sys.argv[1])))
