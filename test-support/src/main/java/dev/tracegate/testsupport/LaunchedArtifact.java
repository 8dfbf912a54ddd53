package dev.tracegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The artifact that {@code @QuarkusIntegrationTest} launched (a child of the test JVM: the jar's {@code java} or the
 * native runner), and what {@code /proc} says of a process: for measurements, never for assertions. Linux only.
 */
public final class LaunchedArtifact {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times: USER_HZ, 100 on Linux for every architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private LaunchedArtifact() {
    }

    /** This module's jar or native runner, not another Quarkus application a test resource runs (Keycloak). */
    static boolean isThisModulesArtifact(ProcessHandle process) {
        String target = Path.of("target").toAbsolutePath() + "/";
        return process.info().commandLine().map(c -> c.contains(target + "quarkus-app/quarkus-run.jar")
                || c.startsWith(target) && c.split(" ", 2)[0].endsWith("-runner")).orElse(false);
    }

    /** This module's launched artifacts among the test JVM's descendants (one, while an integration test runs). */
    public static List<ProcessHandle> all() {
        return ProcessHandle.current().descendants().filter(LaunchedArtifact::isThisModulesArtifact)
                .collect(Collectors.toList());
    }

    public static ProcessHandle the() {
        List<ProcessHandle> launched = all();
        if (launched.size() != 1) {
            throw new IllegalStateException("expected one launched artifact among this JVM's child processes, found " + launched.size());
        }
        return launched.get(0);
    }

    /** CPU time the process has used so far, in user and kernel mode, all its threads. */
    public static long cpuMillis(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    /** The process's peak resident memory so far (VmHWM), in MiB. */
    public static long peakRssMiB(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status")).lines().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst()
                .orElseThrow(() -> new IllegalStateException("no VmHWM in /proc/" + pid + "/status"));
    }

    /** Pins every thread of the process, and those it starts later, to one CPU (taskset from util-linux). */
    public static void pin(long pid, int cpu) {
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                    .redirectErrorStream(true).start();
            String output = new String(taskset.getInputStream().readAllBytes());
            if (taskset.waitFor() != 0) {
                throw new IllegalStateException("taskset could not pin process " + pid + " to CPU " + cpu + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
