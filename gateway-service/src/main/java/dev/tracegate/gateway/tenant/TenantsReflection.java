package dev.tracegate.gateway.tenant;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;

/**
 * The tenants document's records are read by Jackson through reflection, which a native executable must be told
 * about; they live in tenants-model, which knows nothing of Quarkus, so the gateway registers them here.
 */
@RegisterForReflection(targets = { TenantsDocument.class, TenantsDocument.Tenants.class, TenantsDocument.Authentication.class,
        TenantsDocument.Oidc.class, TenantsDocument.SecretReference.class, TenantsDocument.Authorization.class, TenantsDocument.Upstream.class,
        Role.class, RoleBinding.class, Subject.class })
final class TenantsReflection {

    private TenantsReflection() {
    }
}
