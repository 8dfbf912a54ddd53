package dev.tracegate.provisioner.grafana;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which spec.grafana.url values {@code tracegate.grafana.allowed-urls} lets the provisioner call. */
class GrafanaUrlAllowListTest {

    private static GrafanaUrlAllowList allowing(String... origins) {
        return GrafanaUrlAllowList.of(Optional.of(List.of(origins)));
    }

    @Test
    void withoutTheSettingEveryUrlIsAllowed() {
        GrafanaUrlAllowList any = GrafanaUrlAllowList.of(Optional.empty());
        assertTrue(any.allows(URI.create("http://169.254.169.254/latest")));
        assertNull(any.problem("spec.grafana.url", URI.create("https://grafana.example")));
    }

    @Test
    void theSameOriginIsAllowedWhateverThePathCaseOrSpelledOutDefaultPort() {
        GrafanaUrlAllowList list = allowing("https://Grafana.Example", "http://grafana.monitoring:3000/");
        for (String url : List.of("https://grafana.example", "https://grafana.example/", "https://GRAFANA.example:443/grafana",
                "http://grafana.monitoring:3000", "http://grafana.monitoring:3000/sub/path?x=1")) {
            assertTrue(list.allows(URI.create(url)), url);
        }
    }

    @Test
    void anotherSchemeHostOrPortIsNot() {
        GrafanaUrlAllowList list = allowing("https://grafana.example", "http://grafana.monitoring:3000");
        for (String url : List.of("http://grafana.example", "https://grafana.example:3000", "https://grafana.example.evil.test",
                "https://evil.test/?https://grafana.example", "https://grafana.example@evil.test/", "http://grafana.monitoring",
                "http://grafana.monitoring:3001", "http://kubernetes.default.svc:443", "http://169.254.169.254")) {
            assertFalse(list.allows(URI.create(url)), url);
        }
        assertEquals("spec.grafana.url https://evil.test:443 is not among the provisioner's tracegate.grafana.allowed-urls",
                list.problem("spec.grafana.url", URI.create("https://evil.test/api")));
    }
}
