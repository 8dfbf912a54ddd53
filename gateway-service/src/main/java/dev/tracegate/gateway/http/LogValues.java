package dev.tracegate.gateway.http;

/**
 * Values a client (or a token's claims) supplied, made safe for a log line: control characters (C0 and C1, NEL and
 * the 8-bit CSI among them), line and paragraph separators, and format characters (bidirectional overrides that
 * reorder what a reader sees) become {@code \\uXXXX}, so no value can start a forged line or disguise one, and long
 * values are cut.
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
            if (unsafe(c)) {
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

    private static boolean unsafe(char c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }
}
