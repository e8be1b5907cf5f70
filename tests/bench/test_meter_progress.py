"""The bench's count of frames sent: read as the log grows, a line still being written not yet counted."""

from bench.meter import MeterRun, SimulatorMeter


def test_frames_sent_counts_whole_lines_as_the_log_grows(tmp_path):
    meter = SimulatorMeter(MeterRun("kaifa-ma304h3e"), "/dev/null", tmp_path)
    assert meter.frames_sent() == 0  # no log yet
    with open(meter.sent_log, "wb", buffering=0) as log:
        log.write(b'{"seq":0}\n{"seq":1}\n{"se')
        assert meter.frames_sent() == 2
        log.write(b'q":2}\n')
        assert meter.frames_sent() == 3
        log.write(b"".join(b'{"seq":%d,"pad":"%s"}\n' % (n, b"x" * 900) for n in range(3, 3003)))
        assert meter.frames_sent() == 3003
        assert meter.frames_sent() == 3003  # asking again reads nothing new
