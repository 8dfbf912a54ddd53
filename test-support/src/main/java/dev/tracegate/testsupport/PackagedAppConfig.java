package dev.tracegate.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What a packaged service needs beyond its production configuration, passed to the launched artifact as system
 * properties (the test's own application.properties is not in the jar): loopback-only listeners and a free management
 * port (the launcher only randomises the HTTP port). The management port reaches the test through the system property
 * {@value #MANAGEMENT_PORT_PROPERTY} of the test JVM. A service adds its own settings by overriding {@link #more()}.
 */
public class PackagedAppConfig implements QuarkusTestResourceLifecycleManager {

    public static final String MANAGEMENT_PORT_PROPERTY = "packaged-it.management-port";

    @Override
    public final Map<String, String> start() {
        String managementPort = Integer.toString(LoopbackPorts.free());
        System.setProperty(MANAGEMENT_PORT_PROPERTY, managementPort);
        Map<String, String> config = new HashMap<>(more());
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.management.host", "127.0.0.1");
        config.put("quarkus.management.port", managementPort);
        return config;
    }

    /** The service's own settings on top of the listeners'. */
    protected Map<String, String> more() {
        return Map.of();
    }

    @Override
    public void stop() {
    }

    public static int managementPort() {
        return Integer.parseInt(System.getProperty(MANAGEMENT_PORT_PROPERTY));
    }
}
