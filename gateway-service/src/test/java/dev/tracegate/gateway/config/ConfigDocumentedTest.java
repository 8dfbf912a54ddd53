package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tracegate.testsupport.ConfigKeys;

/**
 * The README's configuration table is what operators read: every key of {@link GatewayConfig} has a row, and the row
 * states the default the code has. (Defaults drifted from the table twice before this check.)
 */
class ConfigDocumentedTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void everyKeyHasAReadmeRowStatingItsDefault() throws IOException {
        List<String> rows = Files.readAllLines(README).stream().filter(line -> line.startsWith("| `tracegate.")).toList();
        assertEquals(List.of(), ConfigKeys.undocumented(ConfigKeys.of(GatewayConfig.class),
                key -> rows.stream().filter(row -> row.contains("`" + key + "`")).toList()));
    }

    @Test
    void theKeysAreFoundAtAll() {
        // Guards the walk: a mapping it could not read would make the test above pass on nothing.
        Map<String, String> keys = ConfigKeys.of(GatewayConfig.class);
        assertEquals("2000", keys.get("tracegate.auth.token-cache-size"));
        assertEquals("30s", keys.get("tracegate.tenants.provisioner.wait"));
        assertTrue(keys.containsKey("tracegate.public-url"));
        assertNull(keys.get("tracegate.public-url"));
    }
}
