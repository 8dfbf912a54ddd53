package dev.tracegate.provisioner.grafana;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import dev.tracegate.testsupport.LoopbackCertificate;

/**
 * A self-signed certificate for 127.0.0.1 ({@link LoopbackCertificate}): the server side as an {@link SSLContext},
 * the client side as the PEM a GrafanaConnection trusts.
 */
record SelfSignedCertificate(SSLContext serverTls, String pem) {

    static SelfSignedCertificate forLoopback() {
        try {
            LoopbackCertificate certificate = LoopbackCertificate.create(Path.of("target", "grafana-tls"), "grafana");
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certificate.keystore())) {
                store.load(in, certificate.password().toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, certificate.password().toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            return new SelfSignedCertificate(tls, Files.readString(certificate.certificatePem()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }
}
