package dev.sealpost.mail.repository;

import dev.sealpost.mail.domain.FolderEntity;
import dev.sealpost.mail.domain.FolderKind;
import dev.sealpost.mail.domain.Mailbox;
import dev.sealpost.mail.domain.MailboxEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** Mailboxes and their usage (the sum of their stripes). */
@ApplicationScoped
public class MailboxRepository implements PanacheRepositoryBase<MailboxEntity, UUID> {

    private static final String WITH_USAGE = "select new dev.sealpost.mail.domain.Mailbox(m.id, m.tenant, m.ownerSubject, m.address, "
            + "m.quotaBytes, (select coalesce(sum(u.bytes), 0L) from MailboxUsageEntity u where u.mailboxId = m.id)) from MailboxEntity m ";

    public Uni<Optional<Mailbox>> byOwner(String tenant, String subject) {
        return getSession().chain(session -> session.createSelectionQuery(WITH_USAGE + "where m.tenant = :tenant and m.ownerSubject = :subject",
                                Mailbox.class)
                        .setParameter("tenant", tenant).setParameter("subject", subject).getSingleResultOrNull())
                .map(Optional::ofNullable);
    }

    /**
     * Creates the mailbox and its standard folders unless the owner — or another owner of the address —
     * already has one (two first requests at once: one creates, the other finds it). Call it in a
     * transaction.
     */
    public Uni<Void> createIfAbsent(String tenant, String subject, String address, long quota) {
        UUID id = UUID.randomUUID();
        return getSession().chain(session -> session.createMutationQuery("insert into MailboxEntity (id, tenant, ownerSubject, address, "
                                + "quotaBytes, createdAt) values (:id, :tenant, :subject, :address, :quota, :createdAt) on conflict do nothing")
                        .setParameter("id", id).setParameter("tenant", tenant).setParameter("subject", subject)
                        .setParameter("address", address).setParameter("quota", quota)
                        .setParameter("createdAt", OffsetDateTime.now(ZoneOffset.UTC))
                        .executeUpdate()
                        .chain(inserted -> inserted == 0 ? Uni.createFrom().voidItem()
                                : session.persistAll(Arrays.stream(FolderKind.STANDARD).map(kind -> FolderEntity.standard(id, kind)).toArray())));
    }
}
