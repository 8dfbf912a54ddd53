package dev.tracegate.gateway.tenant;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.ProvisionerStandIn;

/**
 * An HTTPS provisioner whose certificate the {@code ca-file} vouches for, but made out to another host than the
 * provisioner URL's: the gateway verifies the host name, so it refuses the handshake and sends no token.
 */
@QuarkusTest
@TestProfile(ProvisionerImpostorTest.QuickRetries.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "tls", value = "true"), @ResourceArg(name = "certificate-name", value = "dns:elsewhere.example") })
class ProvisionerWrongHostTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aCertificateForAnotherHostIsRefused() {
        ProvisionerImpostorTest.awaitRefusedHandshakes(metrics);
    }
}
