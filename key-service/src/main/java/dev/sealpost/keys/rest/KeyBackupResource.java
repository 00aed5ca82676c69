package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.DirectoryService;
import dev.sealpost.keys.service.PassportAuthentication;
import dev.sealpost.passport.Passport;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

/** Your own passphrase-wrapped private keys: the server checks the blob's shape, never reads it. */
@Path("/api/keys/backup")
public class KeyBackupResource {

    private final PassportAuthentication passports;
    private final DirectoryService directory;

    public KeyBackupResource(PassportAuthentication passports, DirectoryService directory) {
        this.passports = passports;
        this.directory = directory;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Store (replace) your passphrase-wrapped key backup")
    public RestResponse<Void> store(@RestHeader("Authorization") String authorization, byte[] blob) {
        Passport caller = passports.require(authorization);
        directory.storeBackup(caller, blob).await().atMost(DirectoryResource.TIMEOUT);
        return RestResponse.noContent();
    }

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Fetch your passphrase-wrapped key backup")
    public byte[] fetch(@RestHeader("Authorization") String authorization) {
        Passport caller = passports.require(authorization);
        return directory.fetchBackup(caller).await().atMost(DirectoryResource.TIMEOUT);
    }
}
