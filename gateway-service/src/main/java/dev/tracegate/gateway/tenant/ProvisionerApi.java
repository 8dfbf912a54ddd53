package dev.tracegate.gateway.tenant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/** The provisioner's REST API for gateways: the resolved tenants document of one TempoGateway. */
@Path("/api/v1/gateways")
public interface ProvisionerApi {

    /**
     * 200 with the document and its {@code ETag}; 304 when {@code If-None-Match} still matches after {@code wait}.
     */
    @GET
    @Path("/{namespace}/{name}/config")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> config(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("wait") String wait, @HeaderParam("Authorization") String authorization,
            @HeaderParam("If-None-Match") String ifNoneMatch);
}
