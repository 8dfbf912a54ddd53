package dev.tracegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A client-supplied value in a log line can neither start a line of its own nor fill the log. */
class LogValuesTest {

    @Test
    void controlCharactersAreEscapedAndLongValuesCut() {
        assertEquals("/a\\u000d\\u000aINFO forged\\u0009\\u0000", LogValues.escape("/a\r\nINFO forged\t\u0000"));
        assertEquals("plain/path?q=1", LogValues.escape("plain/path?q=1"));
        // C1 controls (NEL, the 8-bit CSI), separators and a right-to-left override, which terminals and log viewers
        // take for a new line, an escape sequence or an order to reverse the text
        assertEquals("a\\u0085b\\u009b31mc\\u2028d\\u202ee", LogValues.escape("a\u0085b\u009b31mc\u2028d\u202ee"));
        assertEquals("Zoë, 東京, ü", LogValues.escape("Zoë, 東京, ü"));
        assertEquals("null", LogValues.escape(null));
        String cut = LogValues.escape("x".repeat(10_000));
        assertTrue(cut.length() < 220 && cut.endsWith("..."), cut);
    }
}
