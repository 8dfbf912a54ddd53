package dev.tracegate.gateway.browser;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * The gateway behind the same HTTPS Ingress, told so once by {@code tracegate.public-url} rather than by a tenant's
 * redirectURL (test-tenants.yaml has none): every test of {@link ConfiguredRedirectUrlTest} holds as it is (the
 * redirect_uri whatever the Host header, the {@code Secure} cookies, the origin of cookie-authenticated writes and
 * of sign-out), and for every tenant.
 */
@QuarkusTest
@TestProfile(ConfiguredPublicUrlTest.PublicUrlBehindHttpsIngress.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ConfiguredPublicUrlTest extends ConfiguredRedirectUrlTest {

    public static class PublicUrlBehindHttpsIngress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "src/test/resources/tenants/test-tenants.yaml",
                    "tracegate.public-url", PUBLIC + "/"); // the trailing slash is tolerated
        }
    }

    @Test
    void everyTenantWithoutARedirectUrlIsCalledBackAtThePublicUrl() throws Exception {
        assertSignInCalledBackAt("team-b", PUBLIC + "/oidc/team-b/callback");
    }
}
