-- Which database this is (issue 15): one row holding an id drawn when the row is created. Engines bind
-- their own state to it (the local engine's state directory records it), so state written for another
-- database (a recreated one, a second gateway) is refused instead of being taken for this one's.
CREATE TABLE "database_identity" (
    "singleton" BOOLEAN NOT NULL DEFAULT true,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "database_identity_pkey" PRIMARY KEY ("singleton"),
    CONSTRAINT "database_identity_one_row" CHECK ("singleton")
);

INSERT INTO "database_identity" DEFAULT VALUES;
