package dev.tracegate.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names kubernetes/components/monitoring (alerts, dashboard) uses, and which of them a {@code /q/metrics}
 * page does not export: what each service's MonitoredMetricsTest compares.
 */
public final class MonitoredMetrics {

    /** The monitoring component, from a service module's directory (where Maven runs its tests). */
    public static final Path MONITORING = Path.of("..", "kubernetes", "components", "monitoring");

    private MonitoredMetrics() {
    }

    /** Every name matching {@code metric} in the component's files but its kustomization.yaml. */
    public static Set<String> used(Pattern metric) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(MONITORING)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                Matcher m = metric.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The names of {@code used} without a sample in {@code exported}: a line of the name, then { or a space. */
    public static Set<String> missing(Set<String> used, String exported) {
        Set<String> missing = new TreeSet<>();
        for (String name : used) {
            if (!Pattern.compile("(?m)^" + name + "[{ ]").matcher(exported).find()) {
                missing.add(name);
            }
        }
        return missing;
    }
}
