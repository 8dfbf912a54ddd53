package dev.tracegate.provisioner.packaged;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What the packaged provisioner needs beyond its production configuration, passed to the launched artifact as system
 * properties (the test's own application.properties is not in the jar): loopback-only listeners, a free management
 * port (the launcher only randomises the HTTP port). The management port
 * reaches the test through the system property {@value #MANAGEMENT_PORT_PROPERTY} of the test JVM.
 */
public class PackagedProvisionerConfig implements QuarkusTestResourceLifecycleManager {

    static final String MANAGEMENT_PORT_PROPERTY = "packaged-it.management-port";

    @Override
    public Map<String, String> start() {
        String managementPort = Integer.toString(freePort());
        System.setProperty(MANAGEMENT_PORT_PROPERTY, managementPort);
        return Map.of(
                "quarkus.http.host", "127.0.0.1",
                "quarkus.management.host", "127.0.0.1",
                "quarkus.management.port", managementPort);
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
