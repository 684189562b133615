import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('practices')
export class Practice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Lower-cased name for the public practice search used at registration. */
  @Index('idx_practices_search_name')
  @Column({ type: 'varchar', length: 200 })
  searchName: string;

  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 40 })
  phone: string;

  @Column({ type: 'varchar', length: 40 })
  fax: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
