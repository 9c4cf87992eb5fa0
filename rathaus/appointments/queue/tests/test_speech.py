"""The call display's spoken announcement: what is said, the audio, the cache."""

import array
import itertools
import os
import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest

from rathaus.appointments.queue import gong, speech
from rathaus.appointments.queue.gong import chime_samples

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.RATHAUS_SPEECH_CACHE_DIR = tmp_path / "speech"
    return tmp_path / "speech"


@pytest.fixture
def espeak_calls(monkeypatch):
    """Counts real subprocess runs made by the speech module (and records their argv)."""
    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        calls.append((list(command), kwargs.get("input")))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(speech.subprocess, "run", counting_run)
    return calls


def read_wav(path: Path) -> tuple[int, int, int, array.array]:
    with wave.open(str(path), "rb") as audio:
        samples = array.array("h", audio.readframes(audio.getnframes()))
        return audio.getnchannels(), audio.getsampwidth(), audio.getframerate(), samples


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


# What is said


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Nummer A 17, bitte zu Schalter 4."),
        ("en", "Number A 17, please go to counter 4."),
        ("tr", "Sıra numarası A 17, lütfen 4 numaralı gişeye gelin."),
    ],
)
def test_the_sentence_per_language(language, expected):
    assert speech.announcement_text("A 017", "Schalter 4", language) == expected


@pytest.mark.parametrize("number", ["A 017", "A017", "a-17", " A 17 ", "A 0017"])
def test_leading_zeros_and_spacing_of_the_ticket_do_not_matter(number):
    assert speech.announcement_text(number, 4, "de") == "Nummer A 17, bitte zu Schalter 4."


def test_a_ticket_without_letters_and_the_number_zero():
    assert speech.announcement_text("017", 2, "en") == "Number 17, please go to counter 2."
    assert speech.announcement_text("B 000", 2, "en") == "Number B 0, please go to counter 2."


@pytest.mark.parametrize("number", ["", "A", "A 1 7", "17 A", "Ä 3", "A_17"])
def test_what_is_not_a_ticket_number_is_refused(number):
    with pytest.raises(ValueError, match="ticket number"):
        speech.announcement_text(number, 4, "de")


@pytest.mark.parametrize(
    ("counter", "de", "en", "tr"),
    [
        (4, "Schalter 4", "counter 4", "4 numaralı gişeye"),
        ("4", "Schalter 4", "counter 4", "4 numaralı gişeye"),
        ("Schalter 04", "Schalter 4", "counter 4", "4 numaralı gişeye"),
        ("schalter  12", "Schalter 12", "counter 12", "12 numaralı gişeye"),
        ("Schalter Nr. 3", "Schalter 3", "counter 3", "3 numaralı gişeye"),
        ("Platz 3", "Platz 3", "desk 3", "3 numaralı masaya"),
        ("Zimmer 112", "Zimmer 112", "room 112", "112 numaralı odaya"),
        ("Büro 2", "Büro 2", "office 2", "2 numaralı büroya"),
    ],
)
def test_known_counter_words_are_said_in_each_language(counter, de, en, tr):
    assert speech.announcement_text("A 1", counter, "de") == f"Nummer A 1, bitte zu {de}."
    assert speech.announcement_text("A 1", counter, "en") == f"Number A 1, please go to {en}."
    assert speech.announcement_text("A 1", counter, "tr") == (
        f"Sıra numarası A 1, lütfen {tr} gelin."
    )


def test_a_counter_name_of_the_office_own_is_said_as_written():
    assert speech.announcement_text("C 5", "Fundbüro", "de") == "Nummer C 5, bitte zu Fundbüro."
    assert speech.announcement_text("C 5", "Fundbüro", "en") == (
        "Number C 5, please go to Fundbüro."
    )
    assert speech.announcement_text("C 5", "Fundbüro", "tr") == (
        "Sıra numarası C 5, lütfen Fundbüro adlı gişeye gelin."
    )


def test_language_codes_are_normalised_and_unknown_ones_refused():
    assert speech.announcement_text("A 1", 1, "en-GB") == speech.announcement_text("A 1", 1, "en")
    assert speech.announcement_text("A 1", 1, "DE_de").startswith("Nummer")
    with pytest.raises(ValueError, match="language"):
        speech.announcement_text("A 1", 1, "fr")


def test_espeak_gets_the_letters_to_spell_and_an_escaped_counter():
    spoken = speech._phrase("ab 7", "Info <3> & mehr", "en", speakable=True)
    assert spoken == (
        '<speak>Number <say-as interpret-as="characters">AB</say-as> 7, '
        "please go to Info &lt;3&gt; &amp; mehr.</speak>"
    )


def test_the_cache_key_follows_what_is_said():
    key = speech.announcement_key("A 017", "Schalter 4", ["de", "en"])
    assert len(key) == 64
    assert key == speech.announcement_key("A17", 4, ["de", "en-GB", "de"])
    assert key != speech.announcement_key("A 18", 4, ["de", "en"])
    assert key != speech.announcement_key("A 17", 5, ["de", "en"])
    assert key != speech.announcement_key("A 17", 4, ["en", "de"])
    assert key != speech.announcement_key("A 17", 4, ["de"])
    assert key != speech.announcement_key("A 17", 4, ["de", "en"], gong=False)


def test_an_announcement_needs_a_language_and_a_counter():
    with pytest.raises(ValueError, match="language"):
        speech.announcement_key("A 1", 1, [])
    with pytest.raises(ValueError, match="counter"):
        speech.announcement_text("A 1", "  ", "de")


# The audio


@needs_espeak
def test_three_languages_make_one_mono_16_bit_wav(cache, espeak_calls):
    path = speech.announcement_audio("A 017", "Schalter 4", ["de", "en", "tr"])

    assert path.parent == cache
    assert path.stem == speech.announcement_key("A 017", "Schalter 4", ["de", "en", "tr"])
    channels, width, rate, samples = read_wav(path)
    assert (channels, width, rate) == (1, 2, speech.SAMPLE_RATE)
    assert max(abs(sample) for sample in samples) > 3000, "speech, not silence"
    # Gong (1.5 s) and about 3.5 s per language at 150 words a minute.
    assert 8.0 < duration(path) < 20.0
    assert [command[2] for command, _input in espeak_calls] == ["de", "en-gb", "tr"]


@needs_espeak
def test_more_languages_take_longer_and_the_gong_is_in_front():
    german = speech.announcement_audio("A 017", "Schalter 4", ["de"], gong=False)
    with_gong = speech.announcement_audio("A 017", "Schalter 4", ["de"])
    three = speech.announcement_audio("A 017", "Schalter 4", ["de", "en", "tr"], gong=False)

    assert 1.5 < duration(german) < 8.0
    assert duration(three) > 2.5 * duration(german)
    assert duration(with_gong) - duration(german) == pytest.approx(
        gong.DURATION + speech.PAUSE_AFTER_GONG, abs=0.01
    )
    # The gong's samples open the file, the German speech follows after the pause.
    _c, _w, rate, gonged = read_wav(with_gong)
    _c, _w, _r, plain = read_wav(german)
    chime = chime_samples(rate)
    assert gonged[: len(chime)] == chime
    assert gonged[-len(plain) :] == plain


@needs_espeak
@pytest.mark.skipif(
    not (shutil.which("soxi") or shutil.which("ffprobe")),
    reason="neither soxi (sox) nor ffprobe (ffmpeg) is installed to cross-check the WAV",
)
def test_another_tool_reads_the_same_duration():
    path = speech.announcement_audio("A 017", "Schalter 4", ["de", "en"])
    if shutil.which("soxi"):
        command = ["soxi", "-D", str(path)]
    else:
        command = ["ffprobe", "-v", "error", "-show_entries", "format=duration"]
        command += ["-of", "default=noprint_wrappers=1:nokey=1", str(path)]
    output = subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603
    assert float(output.strip()) == pytest.approx(duration(path), abs=0.05)


@needs_espeak
def test_the_second_call_is_served_from_the_cache(espeak_calls):
    first = speech.announcement_audio("A 017", "Schalter 4", ["de", "en", "tr"])
    assert len(espeak_calls) == 3
    written = first.stat().st_mtime_ns

    again = speech.announcement_audio("A17", 4, ["de", "en", "tr"])

    assert again == first
    assert len(espeak_calls) == 3, "espeak-ng ran again"
    assert again.stat().st_mtime_ns == written
    assert [p.name for p in again.parent.iterdir()] == [first.name], "no temporary file left"


@needs_espeak
def test_umlauts_and_markup_characters_in_a_counter_name(espeak_calls):
    plain = speech.announcement_audio("B 3", "Büro 2", ["de", "tr"])
    own = speech.announcement_audio("B 3", "Fundbüro <Süd> & Co", ["de", "en"])

    for path in (plain, own):
        _c, _w, _r, samples = read_wav(path)
        assert max(abs(sample) for sample in samples) > 3000
    texts = [stdin.decode() for _command, stdin in espeak_calls]
    assert "Fundbüro &lt;Süd&gt; &amp; Co" in texts[2]
    # Markup swallowed by espeak would shorten the sentence: the escaped name is spoken.
    assert duration(own) > duration(speech.announcement_audio("B 3", "Fundbüro", ["de", "en"]))


@needs_espeak
def test_a_counter_name_cannot_become_an_espeak_option(tmp_path, monkeypatch, espeak_calls):
    monkeypatch.chdir(tmp_path)
    path = speech.announcement_audio("A 1", "-w evil.wav --version", ["de"], gong=False)

    assert not (tmp_path / "evil.wav").exists()
    ((command, stdin),) = espeak_calls
    assert all("evil" not in argument for argument in command)
    assert b"-w evil.wav --version" in stdin
    assert duration(path) > 2.0, "the name was spoken"


# When speech cannot be had


def test_without_espeak_the_display_gets_speech_unavailable(monkeypatch, cache):
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)

    with pytest.raises(speech.SpeechUnavailable, match="not installed"):
        speech.announcement_audio("A 1", 1, ["de"])
    assert list(cache.iterdir()) == []
    assert speech.gong_audio().is_file(), "the gong needs no espeak-ng"


def test_a_failing_espeak_is_speech_unavailable_and_caches_nothing(monkeypatch, cache):
    false = shutil.which("false")
    monkeypatch.setattr(speech.shutil, "which", lambda name: false)

    with pytest.raises(speech.SpeechUnavailable, match="failed"):
        speech.announcement_audio("A 1", 1, ["de"])
    assert list(cache.iterdir()) == []


def test_a_hanging_espeak_is_speech_unavailable(monkeypatch):
    def hanging(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(speech.shutil, "which", lambda name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(speech.subprocess, "run", hanging)
    with pytest.raises(speech.SpeechUnavailable, match="took over"):
        speech.announcement_audio("A 1", 1, ["de"])


def test_espeak_writing_no_wav_is_speech_unavailable(monkeypatch):
    true = shutil.which("true")
    monkeypatch.setattr(speech.shutil, "which", lambda name: true)
    with pytest.raises(speech.SpeechUnavailable, match="no readable WAV"):
        speech.announcement_audio("A 1", 1, ["de"])


# The gong and the cache file


def test_the_gong_alone_is_a_short_clean_chime(cache):
    path = speech.gong_audio()

    assert path.parent == cache
    channels, width, rate, samples = read_wav(path)
    assert (channels, width, rate) == (1, 2, speech.SAMPLE_RATE)
    assert 1.0 < duration(path) < 2.0
    loudest = max(abs(sample) for sample in samples)
    assert 0.4 * 32767 < loudest <= 0.5 * 32767 + 1
    # Starts and ends at (near) zero: no click.
    assert abs(samples[0]) < 100
    assert abs(samples[-1]) < 100
    assert speech.gong_audio() == path


def test_the_gong_has_two_tones_one_after_the_other():
    rate = 8000
    samples = chime_samples(rate)

    def zero_crossings(start: float, seconds: float) -> float:
        window = samples[int(start * rate) : int((start + seconds) * rate)]
        crossings = sum(1 for a, b in itertools.pairwise(window) if (a < 0) != (b < 0))
        return crossings / 2 / seconds

    # Sign changes of the dominant tone count its frequency: E5 first, C5 once it sounds alone
    # (the E has faded by then, but still shifts the count a little).
    assert zero_crossings(0.05, 0.3) == pytest.approx(659, rel=0.05)
    assert zero_crossings(1.1, 0.3) == pytest.approx(523, rel=0.08)


def test_a_failed_write_leaves_neither_a_half_file_nor_a_temporary(monkeypatch, cache):
    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(speech.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        speech.gong_audio()
    assert list(cache.iterdir()) == []


def test_the_cached_file_is_readable_by_the_web_server():
    mode = speech.gong_audio().stat().st_mode & 0o777
    assert mode == 0o644


def test_pruning_removes_only_old_files(cache):
    old = speech.gong_audio()
    leftover = cache / ".crashed.tmp"
    leftover.write_bytes(b"half")
    fresh = cache / "fresh.wav"
    fresh.write_bytes(b"x")
    # ages from the clock the pruning reads (it may stand elsewhere than the file system's)
    now = time.time()
    long_ago = now - 3 * 86400
    os.utime(old, (long_ago, long_ago))
    os.utime(leftover, (long_ago, long_ago))
    os.utime(fresh, (now, now))

    assert speech.prune_cache(86400) == 2
    assert [path.name for path in cache.iterdir()] == ["fresh.wav"]
