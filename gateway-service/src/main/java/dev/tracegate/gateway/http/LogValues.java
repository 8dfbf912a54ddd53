package dev.tracegate.gateway.http;

/**
 * Values a client (or a token's claims) supplied, made safe for a log line: control characters become {@code \\uXXXX}
 * so no value can start a forged line, and long values are cut.
 */
public final class LogValues {

    private static final int MAX = 200;

    private LogValues() {
    }

    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 8);
        for (int i = 0; i < value.length() && out.length() < MAX; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX && value.length() > MAX) {
            out.append("...");
        }
        return out.toString();
    }
}
