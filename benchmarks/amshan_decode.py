"""amshan as a whole process over capture files, for the whole-process decode ratio.

Reads capture lines ('time<TAB>hex', hex, or # comments) and prints one JSON
object a frame with what amshan decodes, as `hanbench decode --json` does:
start-up, parsing and output all count.

usage: python benchmarks/amshan_decode.py CAPTURE...
"""

import json
import sys

from han import autodecoder, hdlc


def main(paths: list[str]) -> None:
    reader, decoder, out = hdlc.HdlcFrameReader(False), autodecoder.AutoDecoder(), sys.stdout
    for path in paths:
        with open(path, encoding="ascii") as file:
            for line in file:
                if not line.strip() or line.startswith("#"):
                    continue
                for frame in reader.read(bytes.fromhex(line.rsplit("\t", 1)[-1].strip())):
                    decoded = decoder.decode_message_payload(frame.payload) if frame.is_good_ffc else None
                    out.write(json.dumps(decoded, default=str) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
