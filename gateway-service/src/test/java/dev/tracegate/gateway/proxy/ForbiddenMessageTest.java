package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.tenants.rbac.Permission;

/**
 * What a 403 tells the caller about who it was taken for. Through the gateway, with Keycloak's tokens:
 * TenantGatewayTest (an unverified e-mail).
 */
class ForbiddenMessageTest {

    @Test
    void aCallerWithASubjectIsNamed() {
        assertEquals("'bob@example.com' has no write permission on tenant 'team'", TracesApiRoute.forbidden(
                new Caller("bob@example.com", Set.of()), tenant("email"), Permission.WRITE));
    }

    @Test
    void withoutASubjectTheMessageSaysWhichClaimWasMissing() {
        Caller nobody = new Caller(null, Set.of("readers"));
        // An e-mail can be there but unverified: "verified" is the point.
        assertEquals("a caller whose token has no verified email has no read permission on tenant 'team'",
                TracesApiRoute.forbidden(nobody, tenant("email"), Permission.READ));
        // Any other claim is only ever missing: no word about verification.
        assertEquals("a caller whose token has no preferred_username claim has no read permission on tenant 'team'",
                TracesApiRoute.forbidden(nobody, tenant("preferred_username"), Permission.READ));
        // No usernameClaim configured: the subject comes from sub.
        assertEquals("a caller whose token has no sub claim has no read permission on tenant 'team'",
                TracesApiRoute.forbidden(nobody, tenant(null), Permission.READ));
    }

    private static Tenant tenant(String usernameClaim) {
        TenantsDocument.Oidc oidc = new TenantsDocument.Oidc("https://issuer.example", null, usernameClaim, "groups",
                "tracegate", "secret", null, null, null, null);
        return new Tenant("team", "team-org", oidc, null);
    }
}
