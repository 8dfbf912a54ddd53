package dev.tracegate.gateway.packaged;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What the packaged gateway needs beyond its production configuration, passed to the launched artifact as system
 * properties (the test's own application.properties is not in the jar): loopback-only listeners, a free management
 * port (the launcher only randomises the HTTP port) and the test tenants file by absolute path. The management port
 * reaches the test through the system property {@value #MANAGEMENT_PORT_PROPERTY} of the test JVM.
 */
public class PackagedGatewayConfig implements QuarkusTestResourceLifecycleManager {

    static final String MANAGEMENT_PORT_PROPERTY = "packaged-it.management-port";

    @Override
    public Map<String, String> start() {
        String managementPort = Integer.toString(freePort());
        System.setProperty(MANAGEMENT_PORT_PROPERTY, managementPort);
        return Map.of(
                "quarkus.http.host", "127.0.0.1",
                "quarkus.management.host", "127.0.0.1",
                "quarkus.management.port", managementPort,
                "tracegate.tenants.file", Path.of("src/test/resources/tenants/test-tenants.yaml").toAbsolutePath().toString());
    }

    @Override
    public void stop() {
    }

    static int managementPort() {
        return Integer.parseInt(System.getProperty(MANAGEMENT_PORT_PROPERTY));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
