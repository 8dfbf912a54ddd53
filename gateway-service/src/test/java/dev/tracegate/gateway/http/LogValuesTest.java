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
        assertEquals("null", LogValues.escape(null));
        String cut = LogValues.escape("x".repeat(10_000));
        assertTrue(cut.length() < 220 && cut.endsWith("..."), cut);
    }
}
