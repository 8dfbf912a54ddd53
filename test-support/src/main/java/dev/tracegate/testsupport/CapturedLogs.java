package dev.tracegate.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record the application writes while open, from any logger (JBoss Log Manager hands them to
 * {@code java.util.logging}'s root): {@code try (CapturedLogs logs = CapturedLogs.start()) { ... }}.
 */
public final class CapturedLogs implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLogs() {
        Logger.getLogger("").addHandler(handler);
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** The records so far, oldest first. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** A record as one line: its message, parameters and exception, for matching on what it says. */
    public static String text(LogRecord record) {
        return record.getMessage() + java.util.Arrays.toString(record.getParameters()) + " " + record.getThrown();
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
