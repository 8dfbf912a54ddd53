package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The README's configuration table is what operators read: every key of {@link GatewayConfig} has a row, and the row
 * states the default the code has. (Defaults drifted from the table twice before this check.)
 */
class ConfigDocumentedTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void everyKeyHasAReadmeRowStatingItsDefault() throws IOException {
        List<String> rows = Files.readAllLines(README).stream().filter(line -> line.startsWith("| `tracegate.")).toList();
        List<String> problems = new ArrayList<>();
        keys().forEach((key, fallback) -> {
            List<String> naming = rows.stream().filter(row -> row.contains("`" + key + "`")).toList();
            if (naming.isEmpty()) {
                problems.add(key + ": no row in README.md");
            } else if (fallback != null && naming.stream().noneMatch(row -> row.contains(fallback))) {
                problems.add(key + ": its row does not state the default " + fallback);
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void theKeysAreFoundAtAll() {
        // Guards the walk below: a mapping it could not read would make the test above pass on nothing.
        Map<String, String> keys = keys();
        assertEquals("2000", keys.get("tracegate.auth.token-cache-size"));
        assertEquals("30s", keys.get("tracegate.tenants.provisioner.wait"));
        assertTrue(keys.containsKey("tracegate.public-url"));
        assertNull(keys.get("tracegate.public-url"));
    }

    /** Each key of the mapping with its {@code @WithDefault} (null when it has none), as an operator writes it. */
    private static Map<String, String> keys() {
        Map<String, String> keys = new TreeMap<>();
        collect(GatewayConfig.class.getAnnotation(ConfigMapping.class).prefix(), GatewayConfig.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> group, Map<String, String> keys) {
        for (Method method : group.getDeclaredMethods()) {
            if (method.isSynthetic() || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == GatewayConfig.class) {
                collect(key, type, keys);
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                keys.put(key, fallback == null ? null : fallback.value());
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
