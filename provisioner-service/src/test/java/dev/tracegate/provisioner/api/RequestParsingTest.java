package dev.tracegate.provisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the config endpoint reads Accept, If-None-Match and ?wait=. */
class RequestParsingTest {
    static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void jsonUnlessYamlIsPreferred() {
        assertEquals(ConfigMediaType.JSON, ConfigMediaType.fromAccept(null));
        assertEquals(ConfigMediaType.JSON, ConfigMediaType.fromAccept("*/*"));
        assertEquals(ConfigMediaType.JSON, ConfigMediaType.fromAccept("application/json"));
        assertEquals(ConfigMediaType.YAML, ConfigMediaType.fromAccept("application/yaml"));
        assertEquals(ConfigMediaType.YAML, ConfigMediaType.fromAccept("application/json;q=0.5, application/yaml"));
        assertEquals(ConfigMediaType.JSON, ConfigMediaType.fromAccept("application/yaml;q=0.2, */*"));
    }

    @Test
    void ifNoneMatchTakesListsWeakTagsAndStar() {
        assertTrue(EntityTags.matches("\"abc\"", "\"abc\""));
        assertTrue(EntityTags.matches("\"x\", W/\"abc\"", "\"abc\""));
        assertTrue(EntityTags.matches("*", "\"abc\""));
        assertFalse(EntityTags.matches("\"abd\"", "\"abc\""));
        assertFalse(EntityTags.matches(null, "\"abc\""));
    }

    @Test
    void waitIsADurationCappedAtTheMaximum() {
        assertEquals(Duration.ZERO, WaitParameter.parse(null, MAX));
        assertEquals(Duration.ofSeconds(30), WaitParameter.parse("30s", MAX));
        assertEquals(Duration.ofSeconds(30), WaitParameter.parse("30", MAX));
        assertEquals(Duration.ofMillis(500), WaitParameter.parse("500ms", MAX));
        // What gateways send (whole milliseconds) and what older ones sent (whole seconds): both read alike.
        assertEquals(Duration.ofMillis(1500), WaitParameter.parse("1500ms", MAX));
        assertEquals(Duration.ofSeconds(30), WaitParameter.parse("30000ms", MAX));
        assertEquals(MAX, WaitParameter.parse("600000ms", MAX));
        assertEquals(MAX, WaitParameter.parse("10m", MAX));
        assertThrows(IllegalArgumentException.class, () -> WaitParameter.parse("soon", MAX));
        assertThrows(IllegalArgumentException.class, () -> WaitParameter.parse("-5s", MAX));
    }
}
