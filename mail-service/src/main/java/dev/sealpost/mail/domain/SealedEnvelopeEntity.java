package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/**
 * A sealed envelope from libs/crypto as opaque bytes, stored once per send however many copies refer
 * to it (V2_3); {@code copies} counts them, and the last copy purged deletes it.
 */
@Entity
@Table(name = "sealed_envelope")
public class SealedEnvelopeEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public int copies;

    @Column(nullable = false)
    public byte[] bytes;
}
