"""The call display's gong: a two-tone chime computed here, so there is no audio asset to
license, ship or lose, and it always has the speech's sample rate (no resampling)."""

import functools
import math
import sys
from array import array

# E5 then C5, a falling major third: the familiar "ding-dong" of a waiting room.
TONES = ((659.25, 0.0), (523.25, 0.42))
DURATION = 1.5
# Bell-like partials (multiple, relative amplitude, decay time in seconds); the higher ones
# fade faster, which is what makes it sound like a chime rather than a beep.
PARTIALS = ((1.0, 1.0, 0.55), (2.0, 0.35, 0.25), (3.0, 0.12, 0.12))
ATTACK = 0.006
# Below full scale so the gong is not louder than espeak's voice that follows.
PEAK = 0.5


def chime_samples(rate: int) -> array:
    """The chime as signed 16-bit samples (native order) at ``rate`` Hz; pure and
    deterministic, so the cached gong file is the same on every server."""
    count = int(DURATION * rate)
    mix = [0.0] * count
    for frequency, start in TONES:
        first = int(start * rate)
        for index in range(first, count):
            t = (index - first) / rate
            envelope = min(1.0, t / ATTACK)
            value = 0.0
            for multiple, amplitude, decay in PARTIALS:
                value += (
                    amplitude
                    * math.exp(-t / decay)
                    * math.sin(2 * math.pi * frequency * multiple * t)
                )
            mix[index] += envelope * value
    # A short fade-out: the tail is quiet already, this only avoids a click at the cut.
    fade = int(0.05 * rate)
    for offset in range(fade):
        mix[count - 1 - offset] *= offset / fade
    loudest = max(abs(value) for value in mix) or 1.0
    scale = PEAK * 32767 / loudest
    return array("h", (round(value * scale) for value in mix))


@functools.cache
def chime_pcm(rate: int) -> bytes:
    """The chime as little-endian 16-bit PCM, the byte order of WAV files; computed once per
    process (about 50 ms in pure Python), as every uncached announcement starts with it."""
    samples = chime_samples(rate)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()
