"""The iCEBreaker build: synthesis, place and route with the YoWASP tools, and its limits."""

from hardware.board import build


def test_fits_half_the_up5k_and_meets_12_mhz(tmp_path):
    report = build(tmp_path)
    assert (tmp_path / "line_emulator.bin").stat().st_size > 100_000  # a whole UP5K bitstream
    assert report.cell_fraction < 0.5, f"{report.cells_used} of {report.cells_available} logic cells"
    assert report.ram_used <= report.ram_available // 2, f"{report.ram_used} RAM blocks"
    assert report.fmax_mhz >= report.target_mhz, f"Fmax {report.fmax_mhz:.1f} MHz"
