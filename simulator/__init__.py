"""A HAN meter in software: frames, readings, the push schedule, faults and lines.

The codec (simulator.codec) is pure functions over bytes; nothing in it knows
about serial ports, ptys or time.
"""
