package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** A folder of one mailbox (V2_0): a standard one (inbox, sent, ...) or a user folder. */
@Entity
@Table(name = "folder")
public class FolderEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    // plain ids rather than associations: nothing is ever loaded lazily on a reactive session
    @Column(name = "mailbox_id", nullable = false)
    public UUID mailboxId;

    @Column(nullable = false, length = 64)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public FolderKind kind;

    public static FolderEntity standard(UUID mailboxId, FolderKind kind) {
        FolderEntity folder = new FolderEntity();
        folder.id = UUID.randomUUID();
        folder.mailboxId = mailboxId;
        folder.name = kind.standardName();
        folder.kind = kind;
        return folder;
    }

    public static FolderEntity user(UUID mailboxId, String name) {
        FolderEntity folder = new FolderEntity();
        folder.id = UUID.randomUUID();
        folder.mailboxId = mailboxId;
        folder.name = name;
        folder.kind = FolderKind.USER;
        return folder;
    }
}
