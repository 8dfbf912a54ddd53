package dev.tracegate.gateway.packaged;

import java.nio.file.Path;
import java.util.Map;

import dev.tracegate.testsupport.PackagedAppConfig;

/** The packaged gateway's test configuration: the shared listener settings and the test tenants file by path. */
public class PackagedGatewayConfig extends PackagedAppConfig {

    @Override
    protected Map<String, String> more() {
        return Map.of("tracegate.tenants.file",
                Path.of("src/test/resources/tenants/test-tenants.yaml").toAbsolutePath().toString());
    }
}
