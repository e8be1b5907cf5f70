"""The firmware's Python tools: its ESP8266 size and stack reports (`python -m firmware.tools.xtensa_size`)."""
