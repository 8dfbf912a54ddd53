package dev.tracegate.provisioner.grafana;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** Turns the PEM CA of a GrafanaConnection into a trust store for the REST client. */
final class PemTrustStore {

    private PemTrustStore() {
    }

    static KeyStore of(String pem) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("the Grafana CA holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("grafana-ca-" + i++, certificate);
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            // The exception text describes the parsing problem, not the (public) certificate itself.
            throw new IllegalArgumentException("the Grafana CA is not a valid PEM certificate: " + e.getMessage(), e);
        }
    }
}
