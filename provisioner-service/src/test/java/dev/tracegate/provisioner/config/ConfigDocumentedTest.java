package dev.tracegate.provisioner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracegate.provisioner.grafana.GrafanaConfig;
import dev.tracegate.testsupport.ConfigKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * provisioner-service/README.md's configuration is what operators read: every key of {@link ProvisionerConfig} has a
 * row of its table stating the code's default, and every key of {@link GrafanaConfig} is named with its default.
 */
class ConfigDocumentedTest {
    private static final Path README = Path.of("README.md");
    private static final String PREFIX = "tracegate.provisioner.";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyProvisionerKeyHasARowStatingItsDefault() throws IOException {
        Map<String, String> keys = ConfigKeys.of(ProvisionerConfig.class);
        assertEquals("8", keys.get(PREFIX + "concurrent-calls"), "the walk finds the keys");
        List<String> rows = Files.readAllLines(README).stream().filter(line -> line.startsWith("| `")).toList();
        assertEquals(List.of(), ConfigKeys.undocumented(keys,
                key -> rows.stream().filter(row -> keysOf(row).contains(key.substring(PREFIX.length()))).toList()));
    }

    @Test
    void everyGrafanaClientKeyIsNamedWithItsDefault() throws IOException {
        String readme = Files.readString(README);
        List<String> problems = new ArrayList<>();
        ConfigKeys.of(GrafanaConfig.class).forEach((key, fallback) -> {
            // A key without a default says what its absence means, after "none".
            String named = "`" + key.substring("tracegate.grafana.".length()) + "` (" + (fallback == null ? "none" : "`" + fallback + "`");
            if (!readme.contains(named)) {
                problems.add(key + ": README does not say " + named);
            }
        });
        assertEquals(List.of(), problems);
    }

    /** The keys a row's first cell names; {@code `.b`} after {@code `a.x`} is {@code a.b}. */
    private static List<String> keysOf(String row) {
        List<String> keys = new ArrayList<>();
        Matcher names = CODE.matcher(row.split("\\|")[1]);
        String group = "";
        while (names.find()) {
            String name = names.group(1);
            if (name.startsWith(".")) {
                name = group + name;
            }
            int dot = name.lastIndexOf('.');
            group = dot < 0 ? "" : name.substring(0, dot);
            keys.add(name);
        }
        return keys;
    }
}
