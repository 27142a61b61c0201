import 'reflect-metadata';
import { main } from './bootstrap';

main('api');
