"""Values as the meter can send them: whole units of 10^scaler."""

from .energy import MS_PER_HOUR

__all__ = ["quantise", "truncate_energy"]


def _from_raw(raw: int, scaler: int) -> int | float:
    # The same arithmetic a decoder uses, so the sent log and a decoded frame agree to the bit.
    factor: int = 10 ** abs(scaler)
    return raw * factor if scaler >= 0 else raw / factor


def quantise(value: float, scaler: int) -> int | float:
    """The nearest value the meter can send with this scaler."""
    raw = round(value / 10**scaler) if scaler >= 0 else round(value * 10**-scaler)
    return _from_raw(raw, scaler)


def truncate_energy(wms: int, scaler: int) -> int | float:
    """A register of `wms` watt-milliseconds as sent: whole units of 10^scaler Wh, rounded down."""
    if scaler >= 0:
        return _from_raw(wms // (MS_PER_HOUR * 10**scaler), scaler)
    return _from_raw(wms * 10**-scaler // MS_PER_HOUR, scaler)
