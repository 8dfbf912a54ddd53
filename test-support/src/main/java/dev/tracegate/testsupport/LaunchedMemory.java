package dev.tracegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The resident memory of the artifact that {@code @QuarkusIntegrationTest} launched (a child of the test JVM: the jar's
 * {@code java} or the native runner), read from {@code /proc/<pid>/status} and written to the calling module's
 * {@code target/packaged-memory.txt} for kubernetes/README.md's table. A measurement, not an assertion.
 */
public final class LaunchedMemory {

    private LaunchedMemory() {
    }

    public static void record(String service) {
        List<ProcessHandle> launched = LaunchedArtifact.all();
        StringBuilder report = new StringBuilder();
        for (ProcessHandle process : launched) {
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            try {
                String lines = Files.readAllLines(status).stream()
                        .filter(l -> l.startsWith("VmRSS:") || l.startsWith("VmHWM:"))
                        .map(l -> l.replaceAll("\\s+", " "))
                        .collect(Collectors.joining(", "));
                report.append(service).append(" pid ").append(process.pid()).append(": ").append(lines)
                        .append(" (").append(process.info().command().orElse("?")).append(")\n");
            } catch (IOException e) {
                report.append(service).append(": cannot read ").append(status).append(": ").append(e).append('\n');
            }
        }
        if (launched.isEmpty()) {
            report.append(service).append(": no launched artifact found among this JVM's child processes\n");
        }
        System.out.print(report);
        try {
            Files.writeString(Path.of("target", "packaged-memory.txt"), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
