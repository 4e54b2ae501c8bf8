"""ESC/POS command lengths the emulator needs to split a byte stream into commands.

Total length (the command bytes and their fixed parameters) of every fixed-length `ESC x` and
`GS x` command, as in the Epson ESC/POS reference; variable-length ones are parsed by the
emulator itself.
"""

# ESC x: total length of commands with fixed length (ESC, x, parameters).
ESC_FIXED = {
    ord("@"): 2, ord("J"): 3, ord("d"): 3, ord("2"): 2, ord("3"): 3, ord("a"): 3, ord("!"): 3,
    ord("E"): 3, ord("G"): 3, ord("M"): 3, ord("-"): 3, ord("t"): 3, ord("R"): 3, ord("{"): 3,
    ord("V"): 3, ord("p"): 5, ord("="): 3, ord("c"): 4, ord("K"): 3, ord("e"): 3, ord("i"): 2,
    ord("m"): 2, ord("$"): 4, ord("\\"): 4, ord(" "): 3, ord("%"): 3, ord("U"): 3, ord("D"): 2,
}  # fmt: skip
# GS x: total length of commands with fixed length.
GS_FIXED = {
    ord("!"): 3, ord("L"): 4, ord("P"): 4, ord("W"): 4, ord("a"): 3, ord("B"): 3, ord("H"): 3,
    ord("h"): 3, ord("w"): 3, ord("f"): 3, ord("b"): 3, ord("I"): 3, ord("r"): 3, ord("$"): 4,
    ord("\\"): 4, ord("^"): 5, ord(":"): 2,
}  # fmt: skip
