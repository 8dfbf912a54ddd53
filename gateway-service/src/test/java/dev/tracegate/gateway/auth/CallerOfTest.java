package dev.tracegate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.junit.jupiter.api.Test;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;

import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.rbac.Caller;

/**
 * The caller a verified token makes, claim by claim, as quarkus-oidc hands the token over (its principal names the
 * subject by the tenant's usernameClaim). Keycloak's tokens end to end: TenantGatewayTest.
 */
class CallerOfTest {

    @Test
    void anUnverifiedEmailNamesNobodyButTheGroupsStay() throws Exception {
        Caller caller = callerOf("email", """
                {"sub": "u-1", "email": "boss@example.com", "email_verified": false, "groups": ["readers"]}""");
        assertNull(caller.subject());
        assertEquals(Set.of("readers"), caller.groups());
    }

    @Test
    void issuersThatSendTheFlagAsAStringAreUnderstood() throws Exception {
        assertNull(callerOf("email", """
                {"sub": "u-1", "email": "boss@example.com", "email_verified": "false"}""").subject());
        assertEquals("boss@example.com", callerOf("email", """
                {"sub": "u-1", "email": "boss@example.com", "email_verified": "true"}""").subject());
    }

    @Test
    void aVerifiedOrUnstatedEmailIsTheSubject() throws Exception {
        assertEquals("boss@example.com", callerOf("email", """
                {"sub": "u-1", "email": "boss@example.com", "email_verified": true}""").subject());
        // Microsoft Entra ID sends no email_verified: the issuer is taken at its word.
        assertEquals("boss@example.com", callerOf("email", """
                {"sub": "u-1", "email": "boss@example.com"}""").subject());
    }

    @Test
    void theFlagConcernsTheEmailClaimOnly() throws Exception {
        assertEquals("u-1", callerOf("sub", """
                {"sub": "u-1", "email": "boss@example.com", "email_verified": false}""").subject());
        assertEquals("boss", callerOf("preferred_username", """
                {"sub": "u-1", "preferred_username": "boss", "email_verified": false}""").subject());
    }

    @Test
    void groupsAreAListOrOneStringAndKeycloakRolesSitAtADottedPath() throws Exception {
        assertEquals(Set.of("readers", "writers"), callerOf("sub", "groups", """
                {"sub": "u-1", "groups": ["readers", "writers", 7, {"name": "admins"}, null]}""").groups());
        assertEquals(Set.of("readers"), callerOf("sub", "groups", """
                {"sub": "u-1", "groups": "readers"}""").groups());
        assertEquals(Set.of(), callerOf("sub", "groups", """
                {"sub": "u-1", "groups": {"readers": true}}""").groups());
        assertEquals(Set.of("viewer"), callerOf("sub", "realm_access.roles", """
                {"sub": "u-1", "realm_access": {"roles": ["viewer"]}}""").groups());
        assertEquals(Set.of("ops"), callerOf("sub", "resource_access.tempo.roles", """
                {"sub": "u-1", "resource_access": {"tempo": {"roles": ["ops"]}, "grafana": {"roles": ["x"]}}}""")
                .groups());
        // The whole name first: a namespaced claim's name has dots of its own.
        assertEquals(Set.of("flat"), callerOf("sub", "https://example.com/groups", """
                {"sub": "u-1", "https://example.com/groups": ["flat"]}""").groups());
        assertEquals(Set.of(), callerOf("sub", "realm_access.roles", """
                {"sub": "u-1", "realm_access": ["roles"]}""").groups());
    }

    @Test
    void aSubjectThatIsNoStringNamesNobody() throws Exception {
        assertNull(callerOf("sub", "groups", """
                {"sub": 42, "groups": ["readers"]}""").subject());
        assertNull(callerOf("preferred_username", "groups", """
                {"sub": "u-1"}""").subject());
    }

    private static Caller callerOf(String usernameClaim, String claimsJson) throws InvalidJwtException {
        return callerOf(usernameClaim, "groups", claimsJson);
    }

    private static Caller callerOf(String usernameClaim, String groupClaim, String claimsJson)
            throws InvalidJwtException {
        TenantsDocument.Oidc oidc = new TenantsDocument.Oidc("https://issuer.example", null, usernameClaim, groupClaim,
                "tracegate", "secret", null, null, null, null);
        Tenant tenant = new Tenant("team", "team-org", oidc, null);
        return CallerAuthenticator.callerOf(
                new OidcJwtCallerPrincipal(JwtClaims.parse(claimsJson), null, tenant.usernameClaim()), tenant);
    }
}
